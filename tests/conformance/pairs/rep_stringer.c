/* A Stringer value prints through its String method. */
#include "pair.h"

static size_t Color_String(go_any self, char *buf, size_t size) {
    static const char *names[] = {"red", "green", "blue"};
    return (size_t)snprintf(buf, size, "%s", names[self.v.i]);
}
static const go_type Color = {.name = "main.Color", .kind = GO_KIND_INT, .string = Color_String};

int main(void) { go_panic(go_make_int(&Color, 2)); }
