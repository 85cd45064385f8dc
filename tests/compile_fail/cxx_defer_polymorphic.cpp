// A polymorphic callable: its operator() may be virtual, with no code address to record.
// EXPECT: must not be polymorphic
#include <godefer.hpp>
struct Base {
    virtual void operator()() const {}
    virtual ~Base() = default;
};
void f() {
    go::frame([](go::scope &s) { s.defer(Base{}); });
}
