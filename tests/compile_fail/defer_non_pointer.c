/* go_defer's argument must be a pointer. */
// EXPECT: must be a pointer
#include <godefer.h>
static void takes_int(int x) { (void)x; }
void f(void) { go_frame { go_defer(takes_int, 5); } }
