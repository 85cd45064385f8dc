module godefer/bench

go 1.19
