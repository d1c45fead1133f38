module github.com/Kagami/go-face

go 1.14
