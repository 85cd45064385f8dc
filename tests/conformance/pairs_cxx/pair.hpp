// Shared by the C++ side of the paired corpus (godefer.hpp): Go's fmt.Println(label, v).
#ifndef PAIR_HPP
#define PAIR_HPP
#include <godefer.hpp>

#include <cstdio>

inline void println_any(const char *label, go::any v) {
    std::printf("%s %s\n", label, go::sprint(v).c_str());
}
#endif
