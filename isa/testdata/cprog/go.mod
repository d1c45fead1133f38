module cprog

go 1.26
