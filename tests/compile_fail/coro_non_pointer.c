/* A coroutine's argument must be a pointer, as go_defer's. */
// EXPECT: must be a pointer
#include <godefer.h>
static void body(int *n) { (void)n; }
go_coro *f(int n) { return go_coro_new(body, n); }
