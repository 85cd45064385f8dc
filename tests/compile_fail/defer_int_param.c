/* A function taking an int, deferred with a pointer: close(&fd) would close garbage. */
// EXPECT: int-conversion
#include <godefer.h>
#include <unistd.h>
void f(int fd) { go_frame { go_defer(close, &fd); } }
