package app

// crashPoint marks a point on the publish path where the crash test
// (crash_test.go) may kill the process, by name; in the app it does
// nothing. Only tests replace it, before the publisher starts.
var crashPoint = func(string) {}
