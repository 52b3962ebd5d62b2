/// One mebibyte, as a Double: the unit the tests compare byte figures in.
package let MiB = 1024.0 * 1024.0
