/* fn's parameter type is checked against the argument. */
// EXPECT: incompatible pointer type
#include <godefer.h>
struct a { int x; };
struct b { int y; };
static void takes_a(struct a *p) { (void)p; }
void f(struct b *q) { go_frame { go_defer(takes_a, q); } }
