/* Built with -fno-asynchronous-unwind-tables -fno-unwind-tables (tests/CMakeLists.txt): a
 * frame without unwind information between a panic and its recovering frame. */
typedef void (*nocfi_fn)(void *);
int nocfi_calls;
void nocfi_call(nocfi_fn fn, void *arg) {
    fn(arg);
    nocfi_calls++; /* no tail call */
}
