// A deferred callable whose result the record's call could not discard (a class type).
// EXPECT: returns void, an integer, a pointer or an enum
#include <godefer.hpp>
#include <string>
void f() {
    go::frame([](go::scope &s) { s.defer([] { return std::string("x"); }); });
}
