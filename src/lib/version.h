/* The one place our version number lives: -version, the man pages and `make install` read it. */
#ifndef TLSTOOL_VERSION_H
#define TLSTOOL_VERSION_H

#define TLSTOOL_VERSION "0.1.0"

#endif
