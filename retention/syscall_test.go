package retention

import "syscall"

const syscallENOSPC = syscall.ENOSPC
