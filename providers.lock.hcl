# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/hashicorp/local" {
  version     = "2.6.1"
  constraints = "2.6.1"
  hashes = [
    "h1:42E9HMKi58m8/rNRdIXvuN/wUrq0BnMo1m44zLFSCYM=",
  ]
}

provider "registry.terraform.io/hashicorp/tls" {
  version     = "4.1.0"
  constraints = "4.1.0"
  hashes = [
    "h1:83eA9rRo1dfTK7oqJ2MCr/q582t7CRdSs928UWGeKO4=",
  ]
}

provider "registry.terraform.io/kreuzwerker/docker" {
  version     = "3.6.2"
  constraints = "3.6.2"
  hashes = [
    "h1:Q3FysUp87Dia8Q0pdRm5TrPPB3k6DxIyiH5HBxab3ng=",
  ]
}
