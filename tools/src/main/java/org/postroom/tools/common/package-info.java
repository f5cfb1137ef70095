/** Package common holds what the admin tools share: getopt-style errors, the config directory, diagnostics. */
package org.postroom.tools.common;
