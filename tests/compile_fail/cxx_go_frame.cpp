// go_frame is C only: in C++ it must fail naming godefer.hpp.
// EXPECT: go_frame is C only: use godefer.hpp
#include <godefer.h>
void f() {
    go_frame { }
}
