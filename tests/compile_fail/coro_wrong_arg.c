/* A coroutine function taking an int *, started with a char *: checked as go_defer's. */
// EXPECT: incompatible-pointer-types
#include <godefer.h>
static void body(int *n) { (void)n; }
go_coro *f(char *s) { return go_coro_new(body, s); }
