/* conninfo.h - PostgreSQL connection strings (conninfo.c): telling one
 * from a SQLite path, hiding its password for messages, and the keywords
 * tach connects with.  Internal to src/store. */
#ifndef TACH_STORE_CONNINFO_H
#define TACH_STORE_CONNINFO_H

#include "util/util.h"

/* Seconds to wait for a server to connect and answer the start-up when
 * neither the string nor $PGCONNECT_TIMEOUT says: a server that accepts
 * and never answers must not hang tach. */
#define TACH__PG_CONNECT_TIMEOUT "10"

/* 1 if loc is a PostgreSQL connection string: a postgresql:// or
 * postgres:// URL, or keyword=value pairs whose first keyword is one of
 * libpq's (spaces around '=' allowed). */
TACH_HIDDEN int tach__is_conninfo(const char *loc);

/* loc for messages, every password libpq would read from it replaced by
 * "***": a URL's user:password@ and ?password= (its name percent-encoded
 * or not), a password = value pair with or without spaces, bare or
 * quoted with backslash escapes.  Anything else comes back as it is.
 * malloc'd; NULL when out of memory. */
TACH_HIDDEN char *tach__conninfo_masked(const char *loc);

/* Fills keys/vals (room for 5 each, NULL-terminated) for
 * PQconnectdbParams(keys, vals, 1): the string itself (as dbname, which
 * libpq expands), tach's application name and UTF-8, and connect_timeout
 * TACH__PG_CONNECT_TIMEOUT unless the string or $PGCONNECT_TIMEOUT sets
 * one.  Returns the number of pairs; the values are borrowed. */
TACH_HIDDEN int tach__conninfo_params(const char *conninfo, const char **keys, const char **vals);

#endif
