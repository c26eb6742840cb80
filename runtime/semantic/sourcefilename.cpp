#include "semantic/sourcefilename.h"

#include <QCryptographicHash>
#include <QRegularExpression>

namespace ktx {

QString SourceFileName::forSource(const QString &sourceName)
{
    static const QRegularExpression simple(QStringLiteral("^[a-z0-9][a-z0-9_]{0,63}$"));
    static const QRegularExpression reserved(
        QStringLiteral("^(con|prn|aux|nul|com[1-9]|lpt[1-9])$"));
    if (simple.match(sourceName).hasMatch() && !reserved.match(sourceName).hasMatch())
        return sourceName + QStringLiteral(".yaml");
    static const QRegularExpression other(QStringLiteral("[^a-z0-9_]+"));
    static const QRegularExpression runs(QStringLiteral("_+"));
    QString slug = sourceName.toLower();
    slug.replace(other, QStringLiteral("_"));
    slug.replace(runs, QStringLiteral("_"));
    slug = slug.left(64);
    if (slug.isEmpty() || slug == QLatin1String("_"))
        slug = QStringLiteral("src");
    const QByteArray hash
        = QCryptographicHash::hash(sourceName.toUtf8(), QCryptographicHash::Sha256).toHex().left(8);
    return slug + QLatin1Char('-') + QString::fromLatin1(hash) + QStringLiteral(".yaml");
}

bool SourceFileName::isValidConnectionId(const QString &connectionId)
{
    static const QRegularExpression valid(QStringLiteral("^[a-zA-Z0-9_][a-zA-Z0-9_-]*$"));
    return valid.match(connectionId).hasMatch();
}

} // namespace ktx
