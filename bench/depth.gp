# Cost of panic+recover against the depth of the panic below the recovering frame.
# Run by bench/run.sh with dir set to the results directory.
set terminal pngcairo size 900,560 font ",10" noenhanced
set output dir."/depth.png"
set logscale xy
set xlabel "frames between the panic and the recovering frame"
set ylabel "ns per panic + recover (min, log scale)"
set key left top
set grid
set title "panic + recover against depth (same run, same machine)"
plot dir."/depth_godefer_panic.dat" w lp lw 2 pt 7 lc rgb "#1f77b4" t "godefer", \
     dir."/depth_godefer_panic_defer.dat" w lp lw 2 pt 5 dt 2 lc rgb "#1f77b4" t "godefer, defer in every frame", \
     dir."/depth_go_panic.dat" w lp lw 2 pt 7 lc rgb "#2ca02c" t "Go", \
     dir."/depth_go_panic_defer.dat" w lp lw 2 pt 5 dt 2 lc rgb "#2ca02c" t "Go, defer in every frame", \
     dir."/depth_c++_panic.dat" w lp lw 2 pt 7 lc rgb "#d62728" t "C++ throw/catch", \
     dir."/depth_c++_panic_defer.dat" w lp lw 2 pt 5 dt 2 lc rgb "#d62728" t "C++, RAII dtor in every frame", \
     dir."/depth_bsetjmp_panic.dat" w lp lw 1 pt 1 lc rgb "#7f7f7f" t "floor: __builtin_setjmp/longjmp"
