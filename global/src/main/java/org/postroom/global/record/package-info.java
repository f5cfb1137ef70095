/** Package record is Postfix's typed-record format, used for queue files and message transfer (record.c, rec_type.h). */
package org.postroom.global.record;
