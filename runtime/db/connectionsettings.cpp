#include "db/connectionsettings.h"

#include "core/secretredactor.h"
#include "project/projectconfig.h"
#include "project/secretref.h"

#include <QDir>
#include <QUrl>
#include <QUrlQuery>

namespace ktx {

namespace {

QString normalizedDriver(const QString &driver)
{
    const QString d = driver.trimmed().toLower();
    if (d == QLatin1String("postgres") || d == QLatin1String("postgresql"))
        return QStringLiteral("postgres");
    if (d == QLatin1String("mysql") || d == QLatin1String("mariadb"))
        return QStringLiteral("mysql");
    if (d == QLatin1String("sqlite") || d == QLatin1String("sqlite3"))
        return QStringLiteral("sqlite");
    return {};
}

// Reads connections.<id> fields: scalars arrive as QString, lists as QStringList.
class FieldReader
{
public:
    FieldReader(const ConnectionConfig &config, const QString &projectDir)
        : m_config(config)
        , m_projectDir(projectDir)
    { }

    QString key(const QString &name) const
    {
        return QStringLiteral("connections.%1.%2").arg(m_config.id, name);
    }
    bool has(const QString &name) const
    {
        const QVariant v = m_config.fields.value(name);
        if (v.typeId() == QMetaType::QStringList || v.typeId() == QMetaType::QVariantList)
            return !v.toList().isEmpty();
        return !v.isNull() && !v.toString().trimmed().isEmpty();
    }
    QString text(const QString &name) const
    {
        return m_config.fields.value(name).toString().trimmed();
    }
    QString firstText(std::initializer_list<const char *> names) const
    {
        for (const char *name : names) {
            if (has(QLatin1String(name)))
                return text(QLatin1String(name));
        }
        return {};
    }
    QStringList list(const QString &name) const
    {
        const QVariant v = m_config.fields.value(name);
        QStringList out;
        if (v.typeId() == QMetaType::QStringList || v.typeId() == QMetaType::QVariantList) {
            for (const QVariant &item : v.toList()) {
                const QString s = item.toString().trimmed();
                if (!s.isEmpty())
                    out << s;
            }
        } else if (!v.toString().trimmed().isEmpty()) {
            out << v.toString().trimmed();
        }
        return out;
    }
    // A value that may be `env:NAME` or `file:PATH`; literals are returned as is
    // (and are not registered as secrets: only passwords are).
    Result<QString> secretOrLiteral(const QString &name) const
    {
        const SecretRef ref = SecretRef::parse(text(name));
        if (ref.kind() == SecretRef::Kind::Literal)
            return ref.target().trimmed();
        Result<QString> value = ref.resolve(m_projectDir);
        if (!value.ok())
            return makeError(value.error().code,
                             QStringLiteral("%1: %2").arg(key(name), value.error().message),
                             value.error().hint);
        return value;
    }

    const ConnectionConfig &config() const { return m_config; }

private:
    const ConnectionConfig &m_config;
    QString m_projectDir;
};

Error invalid(const QString &message, const QString &hint = {})
{
    return makeError(QStringLiteral("invalid_connection"), message, hint);
}

QString expandHome(const QString &path)
{
    if (path == QLatin1String("~") || path.startsWith(QLatin1String("~/")))
        return QDir::homePath() + path.mid(1);
    return path;
}

Result<void> readSqlite(const FieldReader &fields, const QString &projectDir, ConnectionSettings &s)
{
    QString path;
    if (fields.has(QStringLiteral("path"))) {
        path = fields.text(QStringLiteral("path"));
        // A path is not a secret: read the variable directly, without registering it.
        if (path.startsWith(QLatin1String("env:"))) {
            const QString name = path.mid(4).trimmed();
            path = qEnvironmentVariable(name.toLocal8Bit().constData()).trimmed();
            if (path.isEmpty())
                return makeError(
                    QStringLiteral("secret_missing"),
                    QStringLiteral("%1: the environment variable %2 is not set.")
                        .arg(fields.key(QStringLiteral("path")), name),
                    QStringLiteral("Export %1 with the SQLite file's path.").arg(name));
        }
    } else if (fields.has(QStringLiteral("url"))) {
        Result<QString> url = fields.secretOrLiteral(QStringLiteral("url"));
        if (!url.ok())
            return url.error();
        path = *url;
        if (path.startsWith(QLatin1String("sqlite://")))
            path = path.mid(9); // sqlite:///abs/path keeps its leading slash
        else if (path.startsWith(QLatin1String("sqlite:")))
            path = path.mid(7);
        else if (path.startsWith(QLatin1String("file:")))
            path = QUrl(path).toLocalFile();
        else
            return invalid(QStringLiteral("%1 must look like sqlite:///path/to/file.db.")
                               .arg(fields.key(QStringLiteral("url"))));
    } else {
        return invalid(QStringLiteral("connections.%1: path is required for a SQLite connection.")
                           .arg(fields.config().id),
                       QStringLiteral("Add `path: <file.db>` (relative to the project, ~, "
                                      "absolute or env:NAME)."));
    }
    if (path.isEmpty())
        return invalid(QStringLiteral("connections.%1: path is empty.").arg(fields.config().id));
    s.path = QDir::cleanPath(QDir(projectDir).absoluteFilePath(expandHome(path)));
    return {};
}

Result<void> readUrl(const FieldReader &fields, ConnectionSettings &s)
{
    Result<QString> text = fields.secretOrLiteral(QStringLiteral("url"));
    if (!text.ok())
        return text.error();
    const bool postgres = s.driver == QLatin1String("postgres");
    const QUrl url(*text, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    const bool schemeOk = postgres
        ? (scheme == QLatin1String("postgres") || scheme == QLatin1String("postgresql"))
        : (scheme == QLatin1String("mysql") || scheme == QLatin1String("mariadb"));
    // Never echo the URL itself: it may carry a password.
    if (!url.isValid() || !schemeOk)
        return invalid(
            QStringLiteral("%1 is not a valid %2 URL.")
                .arg(fields.key(QStringLiteral("url")),
                     postgres ? QStringLiteral("postgres://") : QStringLiteral("mysql://")),
            postgres ? QStringLiteral("Use postgres://user:password@host:5432/database "
                                      "(or host/port/database/username fields).")
                     : QStringLiteral("Use mysql://user:password@host:3306/database "
                                      "(or host/port/database/username fields)."));
    s.host = url.host(QUrl::FullyDecoded);
    if (url.port() > 0)
        s.port = url.port();
    s.user = url.userName(QUrl::FullyDecoded);
    s.password = url.password(QUrl::FullyDecoded);
    s.database = url.path(QUrl::FullyDecoded).mid(1);
    const QUrlQuery query(url);
    if (query.hasQueryItem(QStringLiteral("host")) && s.host.isEmpty())
        s.host = query.queryItemValue(QStringLiteral("host"), QUrl::FullyDecoded);
    if (query.hasQueryItem(QStringLiteral("sslmode")))
        s.sslMode = query.queryItemValue(QStringLiteral("sslmode")).toLower();
    else if (query.queryItemValue(QStringLiteral("ssl")).toLower() == QLatin1String("true"))
        s.sslMode = QStringLiteral("require");
    return {};
}

} // namespace

Result<ConnectionSettings> ConnectionSettings::fromConfig(const ConnectionConfig &config,
                                                          const QString &projectDir)
{
    ConnectionSettings s;
    s.connectionId = config.id;
    s.driver = normalizedDriver(config.driver);
    if (config.driver.trimmed().isEmpty())
        return invalid(QStringLiteral("connections.%1: driver is required.").arg(config.id),
                       QStringLiteral("Set `driver:` to sqlite, postgres or mysql."));
    if (s.driver.isEmpty())
        return makeError(QStringLiteral("driver_unsupported"),
                         QStringLiteral("connections.%1: driver \"%2\" cannot be queried by this "
                                        "version of ktx (supported: sqlite, postgres, mysql).")
                             .arg(config.id, config.driver));
    const FieldReader fields(config, projectDir);

    if (fields.has(QStringLiteral("query_timeout_ms"))) {
        bool ok = false;
        const int ms = fields.text(QStringLiteral("query_timeout_ms")).toInt(&ok);
        if (!ok || ms <= 0)
            return invalid(QStringLiteral("%1 must be a positive number of milliseconds.")
                               .arg(fields.key(QStringLiteral("query_timeout_ms"))));
        s.statementTimeoutMs = ms;
    }
    s.enabledTables = fields.list(QStringLiteral("enabled_tables"));
    if (s.enabledTables.isEmpty())
        s.enabledTables = fields.list(QStringLiteral("enabledTables"));
    s.excludedTables = fields.list(QStringLiteral("excluded_tables"));

    if (s.driver == QLatin1String("sqlite")) {
        if (Result<void> r = readSqlite(fields, projectDir, s); !r.ok())
            return r.error();
        return s;
    }

    const bool postgres = s.driver == QLatin1String("postgres");
    if (fields.has(QStringLiteral("url"))) {
        if (Result<void> r = readUrl(fields, s); !r.ok())
            return r.error();
    }
    // Fields fill in what the URL leaves out.
    if (s.host.isEmpty())
        s.host = fields.text(QStringLiteral("host"));
    if (s.port == 0 && fields.has(QStringLiteral("port"))) {
        bool ok = false;
        s.port = fields.text(QStringLiteral("port")).toInt(&ok);
        if (!ok || s.port <= 0 || s.port > 65535)
            return invalid(QStringLiteral("%1 must be a port number (1-65535).")
                               .arg(fields.key(QStringLiteral("port"))));
    }
    if (s.database.isEmpty())
        s.database = fields.firstText({"database", "dbname"});
    if (s.user.isEmpty())
        s.user = fields.firstText({"username", "user"});
    if (s.password.isEmpty() && fields.has(QStringLiteral("password"))) {
        Result<QString> password = fields.secretOrLiteral(QStringLiteral("password"));
        if (!password.ok())
            return password.error();
        s.password = *password;
    }
    // A password embedded in a literal URL is a secret too.
    SecretRedactor::registerSecret(s.password);

    if (s.sslMode.isEmpty())
        s.sslMode = fields.text(QStringLiteral("sslmode")).toLower();
    if (s.sslMode.isEmpty()
        && fields.text(QStringLiteral("ssl")).toLower() == QLatin1String("true"))
        s.sslMode = QStringLiteral("require");
    if (postgres && !s.sslMode.isEmpty()) {
        static const QStringList modes = {
            QStringLiteral("disable"), QStringLiteral("allow"),     QStringLiteral("prefer"),
            QStringLiteral("require"), QStringLiteral("verify-ca"), QStringLiteral("verify-full")};
        if (!modes.contains(s.sslMode))
            return invalid(QStringLiteral("connections.%1: sslmode \"%2\" is not one of %3.")
                               .arg(config.id, s.sslMode, modes.join(QStringLiteral(", "))));
    }

    if (s.host.isEmpty())
        return invalid(QStringLiteral("connections.%1: host or url is required.").arg(config.id),
                       postgres ? QStringLiteral("Add `url: postgres://user@host:5432/database` "
                                                 "or `host:`, `port:`, `database:`, `username:`.")
                                : QStringLiteral("Add `url: mysql://user@host:3306/database` "
                                                 "or `host:`, `port:`, `database:`, `username:`."));

    s.schemas = fields.list(QStringLiteral("schemas"));
    if (s.schemas.isEmpty())
        s.schemas = fields.list(QStringLiteral("schema"));
    if (postgres) {
        if (s.schemas.isEmpty())
            s.schemas = QStringList {QStringLiteral("public")};
    } else {
        if (s.schemas.isEmpty() && !s.database.isEmpty())
            s.schemas = QStringList {s.database};
        if (s.schemas.isEmpty())
            return invalid(
                QStringLiteral("connections.%1: database or schemas is required.").arg(config.id),
                QStringLiteral("For MySQL/MariaDB, `schemas:` lists the databases to read; "
                               "`database:` (or the URL path) is used when it is absent."));
    }
    return s;
}

QString ConnectionSettings::displayTarget() const
{
    if (driver == QLatin1String("sqlite"))
        return QStringLiteral("sqlite://") + path;
    QString target = driver + QStringLiteral("://");
    if (!user.isEmpty())
        target += user + QLatin1Char('@');
    target += host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
    if (port > 0)
        target += QLatin1Char(':') + QString::number(port);
    if (!database.isEmpty())
        target += QLatin1Char('/') + database;
    return target;
}

} // namespace ktx
