/* A custom error type: its Error method gives the report's text; recover returns the
 * value itself.
 * go2c: main.main.func1 = repanic
 */
#include "pair.h"

struct parse_error {
    int line;
    const char *msg;
};
static size_t parse_error_Error(go_any self, char *buf, size_t size) {
    const struct parse_error *e = self.v.p;
    return (size_t)snprintf(buf, size, "line %d: %s", e->line, e->msg);
}
static const go_type ParseError = {
    .name = "*main.ParseError", .kind = GO_KIND_POINTER, .error = parse_error_Error};

static void parse(void) {
    static const struct parse_error e = {12, "unexpected token"};
    go_panic(go_make_ptr(&ParseError, &e));
}

static void repanic(void *u) {
    (void)u;
    go_any r = go_recover();
    println_any("recovered:", r);
    go_panic(r);
}

int main(void) {
    go_frame {
        go_defer(repanic, NULL);
        parse();
    }
    return 0;
}
