#pragma once

#include "core/result.h"

#include <QString>
#include <QStringList>

namespace ktx {

struct ConnectionConfig;

// Everything needed to open one warehouse connection, resolved from a
// connections.<id> block: secrets read through their references, relative SQLite
// paths made absolute against the project. Holds the password in memory only;
// never serialise it.
struct ConnectionSettings
{
    QString connectionId;
    QString driver; // sqlite | postgres | mysql
    // sqlite
    QString path;
    // postgres / mysql
    QString host;
    int port = 0; // 0: the driver's default
    QString database;
    QString user;
    QString password;
    QString sslMode; // postgres: disable | allow | prefer | require | verify-ca | verify-full
    QStringList schemas; // postgres schemas / mysql databases in scope
    QStringList enabledTables;
    QStringList excludedTables; // connections.<id>.excluded_tables (ours)
    int statementTimeoutMs = 30000;
    int connectTimeoutSeconds = 10;

    static Result<ConnectionSettings> fromConfig(const ConnectionConfig &config,
                                                 const QString &projectDir);
    // "postgres://analyst@db.internal:5432/shop": for messages; never contains the password.
    QString displayTarget() const;
};

} // namespace ktx
