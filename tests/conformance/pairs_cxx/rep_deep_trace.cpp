// A panic 40 calls deep: every frame is in the trace.
#include "pair.hpp"

#include <string>

// (GCC 12 takes the noreturn panic for "never returns" and calls the recursion infinite)
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic ignored "-Winfinite-recursion"
#endif
__attribute__((noinline)) static void down(int n) {
    if (n == 0) go::panic(std::string("bottom reached"));
    down(n - 1);
    std::printf("%s", "");
}

int main() { down(40); }
