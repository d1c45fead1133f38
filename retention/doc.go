// Package retention keeps photos only as long as the rules allow: the
// encrypted photo vault, the retention schedule, the purge job and its log.
package retention
