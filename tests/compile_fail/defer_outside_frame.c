/* go_defer outside any go_frame must not compile. */
// EXPECT: go__f_
#include <godefer.h>
#include <stdlib.h>
void f(void *p) { go_defer(free, p); }
