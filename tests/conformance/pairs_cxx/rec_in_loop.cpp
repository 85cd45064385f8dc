// A loop calls a function that panics and recovers on every other iteration.
#include "pair.hpp"

static bool step(int i) {
    bool ok = false;
    go::frame([&](go::scope &s) {
        s.defer([&ok, i] {
            go::any r = go::recover();
            if (!go_isnil(r)) {
                println_any(("step " + std::to_string(i) + " recovered").c_str(), r);
                ok = false;
            }
        });
        if (i % 2 == 1) go::panic(i * 100);
        std::printf("step %d fine\n", i);
        ok = true;
    });
    return ok;
}

int main() {
    int good = 0;
    for (int i = 0; i < 6; i++)
        if (step(i)) good++;
    std::printf("good steps: %d\n", good);
}
