#!/bin/sh
# Runs once, on the first start of an empty data directory (the image's initdb hook), with
# the server up: create the pgBackRest stanza in the repository and take the first full backup.
set -e
pgbackrest --stanza=ssp stanza-create
pgbackrest --stanza=ssp check
pgbackrest --stanza=ssp backup --type=full
