module xivo-cdktf/e2e-stub

go 1.22
