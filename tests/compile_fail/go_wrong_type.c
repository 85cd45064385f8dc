/* go_go checks fn's parameter type against the argument, as go_defer does. */
// EXPECT: incompatible pointer type
#include <godefer.h>
struct a { int x; };
struct b { int y; };
static void takes_a(struct a *p) { (void)p; }
void f(struct b *q) { go_go(takes_a, q); }
