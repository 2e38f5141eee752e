module rt0.example/tools/layouts

go 1.19
