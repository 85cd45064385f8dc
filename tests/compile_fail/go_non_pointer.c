/* go_go's argument must be a pointer, as go_defer's. */
// EXPECT: must be a pointer
#include <godefer.h>
static void takes_int(int x) { (void)x; }
void f(void) { go_go(takes_int, 5); }
