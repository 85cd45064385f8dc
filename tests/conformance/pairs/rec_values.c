/* Values of several types travel through panic and recover unchanged. */
#include "pair.h"

static void catch(void *u) {
    (void)u;
    println_any("recovered:", go_recover());
}

static void try_(go_any v) {
    go_frame {
        go_defer(catch, NULL);
        go_panic(v);
    }
}

int main(void) {
    try_(go_str("a string"));
    try_(go_int(-7));
    try_(go_uint(7));
    try_(go_float(2.5));
    try_(go_float(1e21));
    try_(go_bool(true));
    try_(go_error("an error"));
    try_(go_error_wrap(go_error("cause"), "wrapped"));
    return 0;
}
