// Package fakes holds local HTTP fakes of the social networks, used by the
// tests and by --demo. They listen on 127.0.0.1 only.
package fakes
