#include "db/queryhistoryoptions.h"

#include "project/projectconfig.h"

#include <QVariantMap>

namespace ktx {

namespace {

Error invalid(const QString &path, const QString &message, const QString &hint)
{
    return makeError(QStringLiteral("invalid_query_history_config"),
                     QStringLiteral("%1: %2").arg(path, message), hint);
}

std::optional<bool> toBool(const QVariant &value)
{
    if (value.typeId() == QMetaType::Bool)
        return value.toBool();
    const QString text = value.toString().trimmed().toLower();
    if (text == QLatin1String("true"))
        return true;
    if (text == QLatin1String("false"))
        return false;
    return std::nullopt;
}

QStringList toList(const QVariant &value)
{
    QStringList out;
    if (value.typeId() == QMetaType::QStringList || value.typeId() == QMetaType::QVariantList) {
        for (const QVariant &item : value.toList())
            if (!item.toString().trimmed().isEmpty())
                out << item.toString().trimmed();
    } else if (!value.toString().trimmed().isEmpty()) {
        out << value.toString().trimmed();
    }
    return out;
}

Result<QStringList> regexList(const QVariant &value, const QString &path)
{
    const QStringList patterns = toList(value);
    for (int i = 0; i < patterns.size(); ++i) {
        const QRegularExpression re(patterns.at(i));
        if (!re.isValid())
            return invalid(QStringLiteral("%1[%2]").arg(path).arg(i),
                           QStringLiteral("invalid regular expression \"%1\": %2 at offset %3")
                               .arg(patterns.at(i), re.errorString())
                               .arg(re.patternErrorOffset()),
                           QStringLiteral("Patterns are regular expressions, e.g. '^svc_' or "
                                          "'^(etl|loader)_bot$'."));
    }
    return patterns;
}

Result<int> positive(const QVariantMap &block, const QString &name, const QString &path, int min)
{
    bool ok = false;
    const int value = block.value(name).toString().trimmed().toInt(&ok);
    if (!ok || value < min)
        return invalid(path + QLatin1Char('.') + name,
                       QStringLiteral("expected a whole number of at least %1, got \"%2\"")
                           .arg(min)
                           .arg(block.value(name).toString()),
                       QStringLiteral("Write a number such as %1.").arg(qMax(min, 5)));
    return value;
}

} // namespace

QList<QRegularExpression> QueryHistoryOptions::serviceAccountExpressions() const
{
    QList<QRegularExpression> out;
    for (const QString &p : serviceAccountPatterns)
        out << QRegularExpression(p);
    return out;
}

QList<QRegularExpression> QueryHistoryOptions::redactionExpressions() const
{
    QList<QRegularExpression> out;
    for (const QString &p : redactionPatterns)
        out << QRegularExpression(p);
    return out;
}

bool QueryHistoryOptions::driverSupported(const QString &driver)
{
    const QString d = driver.trimmed().toLower();
    return d == QLatin1String("postgres") || d == QLatin1String("postgresql");
}

Result<QueryHistoryOptions> QueryHistoryOptions::fromConnection(const ConnectionConfig &connection)
{
    QueryHistoryOptions options;
    const QString base = QStringLiteral("connections.%1").arg(connection.id);
    QVariant block = connection.fields.value(QStringLiteral("context"))
                         .toMap()
                         .value(QStringLiteral("queryHistory"));
    QString path = base + QStringLiteral(".context.queryHistory");
    if (!block.isValid() || block.isNull()) {
        block = connection.fields.value(QStringLiteral("historicSql"));
        path = base + QStringLiteral(".historicSql");
    }
    if (!block.isValid() || block.isNull())
        return options;
    options.configured = true;

    // `historicSql: true` is the legacy switch; a mapping carries the settings.
    if (block.typeId() != QMetaType::QVariantMap) {
        const std::optional<bool> on = toBool(block);
        if (!on)
            return invalid(path, QStringLiteral("expected a mapping or true/false"),
                           QStringLiteral("Write `queryHistory:` with `enabled: true` below it."));
        options.enabled = *on;
        return options;
    }
    const QVariantMap map = block.toMap();
    if (map.contains(QStringLiteral("enabled"))) {
        const std::optional<bool> on = toBool(map.value(QStringLiteral("enabled")));
        if (!on)
            return invalid(path + QStringLiteral(".enabled"),
                           QStringLiteral("expected true or false, got \"%1\"")
                               .arg(map.value(QStringLiteral("enabled")).toString()),
                           QStringLiteral("Write `enabled: true` or `enabled: false`."));
        options.enabled = *on;
    } else {
        options.enabled = true; // a block without `enabled` asks for history
    }
    if (map.contains(QStringLiteral("minExecutions"))) {
        Result<int> n = positive(map, QStringLiteral("minExecutions"), path, 1);
        if (!n.ok())
            return n.error();
        options.minExecutions = *n;
    }
    if (map.contains(QStringLiteral("windowDays"))) {
        Result<int> n = positive(map, QStringLiteral("windowDays"), path, 1);
        if (!n.ok())
            return n.error();
        options.windowDays = *n;
    }
    options.enabledSchemas = toList(map.value(QStringLiteral("enabledSchemas")));
    options.enabledTables = toList(map.value(QStringLiteral("enabledTables")));
    const QVariantMap filters = map.value(QStringLiteral("filters")).toMap();
    if (filters.contains(QStringLiteral("dropTrivialProbes"))) {
        const std::optional<bool> on = toBool(filters.value(QStringLiteral("dropTrivialProbes")));
        if (!on)
            return invalid(path + QStringLiteral(".filters.dropTrivialProbes"),
                           QStringLiteral("expected true or false"),
                           QStringLiteral("Write `dropTrivialProbes: true` or `false`."));
        options.dropTrivialProbes = *on;
    }
    const QVariantMap accounts = filters.value(QStringLiteral("serviceAccounts")).toMap();
    const QString accountsPath = path + QStringLiteral(".filters.serviceAccounts");
    Result<QStringList> patterns = regexList(accounts.value(QStringLiteral("patterns")),
                                             accountsPath + QStringLiteral(".patterns"));
    if (!patterns.ok())
        return patterns.error();
    options.serviceAccountPatterns = *patterns;
    if (accounts.contains(QStringLiteral("mode"))) {
        const QString mode = accounts.value(QStringLiteral("mode")).toString().trimmed();
        static const QStringList modes
            = {QStringLiteral("exclude"), QStringLiteral("include"), QStringLiteral("mark-only")};
        if (!modes.contains(mode))
            return invalid(
                accountsPath + QStringLiteral(".mode"),
                QStringLiteral("must be one of exclude, include, mark-only, got \"%1\"").arg(mode),
                QStringLiteral("Use one of: exclude, include, mark-only."));
        options.serviceAccountMode = mode;
    }
    Result<QStringList> redaction = regexList(map.value(QStringLiteral("redactionPatterns")),
                                              path + QStringLiteral(".redactionPatterns"));
    if (!redaction.ok())
        return redaction.error();
    options.redactionPatterns = *redaction;
    return options;
}

} // namespace ktx
