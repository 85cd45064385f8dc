/* Deferred methods (through an interface and as a method value) recover like any
 * deferred function (test/recover.go test9, test11).  An interface is a method table
 * and a receiver; a value receiver is copied at the defer.
 * go2c: main.(*T).M = T_M
 * go2c: main.V.M = V_M
 */
#include "pair.h"

struct T {
    const char *name;
};
static void T_M(struct T *t) {
    printf("%s ", t->name);
    println_any("recovered:", go_recover());
}

struct V {
    int id;
};
static void V_M(struct V *v) {
    printf("value receiver %d ", v->id);
    println_any("recovered:", go_recover());
}

typedef struct {
    void (*M)(void *);
    void *recv;
} I;

static void viaInterface(void) {
    static struct T t = {"pointer receiver"};
    I i = {(void (*)(void *))T_M, &t};
    go_frame {
        go_defer(i.M, i.recv);
        go_panic(go_int(9));
    }
}

static void viaValue(void) {
    struct V v = {11};
    go_frame {
        go_defer_val(V_M, v);
        v.id = 12;
        go_panic(go_int(11));
    }
}

int main(void) {
    viaInterface();
    viaValue();
    return 0;
}
