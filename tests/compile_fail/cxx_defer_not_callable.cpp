// scope.defer of something that cannot be called with no arguments.
// EXPECT: scope.defer\(c\): c\(\) must be callable
#include <godefer.hpp>
void f() {
    go::frame([](go::scope &s) { s.defer([](int) {}); });
}
