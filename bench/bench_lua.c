/* Lua 5.4's C API as a peer for panic/recover (docs/performance.md), built by
 * bench/run.sh against liblua5.4-dev: lua_pcall is the recovering frame, lua_error the
 * panic.  coro_switch is a lua_resume + lua_yield round trip into a Lua thread whose C
 * function counts and yields (lua_yieldk: each resume runs its continuation).  Frames on the way are C functions called with lua_call (each one a Lua call
 * frame, as Go's frames are); "a defer in every frame" is a to-be-closed slot
 * (lua_toclose) whose __close metamethod does the work, Lua's own deferred cleanup. */
#include "bench.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

static __thread lua_State *L, *co;
static __thread volatile long caught;

static int l_close(lua_State *l) {
    (void)l;
    work(&bench_token);
    return 0;
}

/* pan(d): errors d Lua frames below the pcall. */
static int l_pan(lua_State *l) {
    lua_Integer d = lua_tointeger(l, 1);
    if (d <= 1) {
        lua_pushinteger(l, 1);
        return lua_error(l);
    }
    lua_pushvalue(l, lua_upvalueindex(1));
    lua_pushinteger(l, d - 1);
    lua_call(l, 1, 0);
    return 0;
}

static int l_pan_defer(lua_State *l) {
    lua_Integer d = lua_tointeger(l, 1);
    lua_pushvalue(l, lua_upvalueindex(2)); /* a table whose metatable has __close */
    lua_toclose(l, -1);
    if (d <= 1) {
        lua_pushinteger(l, 1);
        return lua_error(l);
    }
    lua_pushvalue(l, lua_upvalueindex(1));
    lua_pushinteger(l, d - 1);
    lua_call(l, 1, 0);
    return 0;
}

static int l_nodefer(lua_State *l) {
    (void)l;
    work(&bench_token);
    return 0;
}

/* The coroutine's body: each resume runs the continuation, which counts and yields. */
static int l_tick(lua_State *l, int status, lua_KContext ctx) {
    (void)status;
    work(&bench_token);
    return lua_yieldk(l, 0, ctx, l_tick);
}
static int l_tick_start(lua_State *l) { return lua_yieldk(l, 0, 0, l_tick); }

static void setup(void) {
    if (L) return;
    L = luaL_newstate();
    co = lua_newthread(L);
    luaL_ref(L, LUA_REGISTRYINDEX); /* keeps co */
    lua_pushcfunction(co, l_tick_start);
    int nres;
    lua_resume(co, L, 0, &nres); /* up to its first yield */
    /* registry.pan and registry.pan_defer: closures that find themselves in upvalue 1 */
    lua_newtable(L);
    lua_newtable(L);
    lua_pushcfunction(L, l_close);
    lua_setfield(L, -2, "__close");
    lua_setmetatable(L, -2);
    lua_setfield(L, LUA_REGISTRYINDEX, "closer");
    const char *names[2] = {"pan", "pan_defer"};
    lua_CFunction fns[2] = {l_pan, l_pan_defer};
    for (int i = 0; i < 2; i++) {
        lua_pushnil(L);
        lua_getfield(L, LUA_REGISTRYINDEX, "closer");
        lua_pushcclosure(L, fns[i], 2);
        lua_pushvalue(L, -1);
        lua_setupvalue(L, -2, 1); /* upvalue 1 = the closure itself */
        lua_setfield(L, LUA_REGISTRYINDEX, names[i]);
    }
}

static NOINLINE void op_call(void) {
    lua_pushcfunction(L, l_nodefer);
    lua_call(L, 0, 0);
}

static NOINLINE void op_panic(const char *fn, int d) {
    long c0 = caught;
    lua_getfield(L, LUA_REGISTRYINDEX, fn);
    lua_pushinteger(L, d);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
        caught = caught + 1;
        lua_pop(L, 1);
    }
    BENCH_CHECK(caught == c0 + 1);
}

static NOINLINE void op_resume(void) {
    int nres;
    BENCH_CHECK(lua_resume(co, L, 0, &nres) == LUA_YIELD);
}

static void runner_setup(void) { setup(); }

#define LUA_RUNNER(name, k, stmt) BENCH_RUNNER(name, k, stmt)
BENCH_RUNNER(nodefer, 1, op_call())
BENCH_RUNNER(coro_switch, 1, op_resume())
#define DEPTHS(X) X(1) X(2) X(5) X(10) X(20) X(50) X(100)
#define PANIC_RUNNERS(d)                                                                \
    BENCH_RUNNER(panic_d##d, 0, op_panic("pan", d))                                     \
    BENCH_RUNNER(panic_defer_d##d, d, op_panic("pan_defer", d))
DEPTHS(PANIC_RUNNERS)

/* Every runner needs the thread's state first. */
#define WRAP(name)                                                                      \
    static void wrap_##name(long n) {                                                   \
        runner_setup();                                                                 \
        run_##name(n);                                                                  \
    }
WRAP(nodefer)
WRAP(coro_switch)
#define PANIC_WRAPS(d) WRAP(panic_d##d) WRAP(panic_defer_d##d)
DEPTHS(PANIC_WRAPS)

#define PANIC_CASES(d)                                                                  \
    {NULL, "panic_d" #d, wrap_panic_d##d, 1, 0},                                        \
    {NULL, "panic_defer_d" #d, wrap_panic_defer_d##d, 1, 0},

static const bench_case cases[] = {
    {NULL, "nodefer", wrap_nodefer, 1, 0},
    {NULL, "coro_switch", wrap_coro_switch, 1, 0},
    DEPTHS(PANIC_CASES)
    {NULL, "mt_panic_d1_1t", wrap_panic_d1, 1, 1},
    {NULL, "mt_panic_d1_2t", wrap_panic_d1, 1, 2},
    {0},
};

int main(int argc, char **argv) { return bench_main(argc, argv, "lua", cases); }
