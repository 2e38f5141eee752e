module rt0.example/bench

go 1.19
