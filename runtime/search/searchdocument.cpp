#include "search/searchdocument.h"

#include <QCryptographicHash>
#include <QJsonDocument>

namespace ktx {

QByteArray SearchDocument::contentHash() const
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const QString &part : {kind, id, connectionId, title, summary, text, scope, userId, path,
                                connections.join(QLatin1Char('|')), columnName, tableName}) {
        hash.addData(part.toUtf8());
        hash.addData(QByteArrayView("\0", 1));
    }
    hash.addData(QJsonDocument(fields).toJson(QJsonDocument::Compact));
    hash.addData(QJsonDocument(tableRef).toJson(QJsonDocument::Compact));
    return hash.result().toHex();
}

QString SearchDocument::embeddingText() const
{
    // Bounded: embedding APIs cap input tokens, and the head of a page carries
    // its meaning (title, summary, first paragraphs).
    constexpr qsizetype maxChars = 6000;
    return QString(title + QLatin1Char('\n') + summary + QLatin1Char('\n') + text).left(maxChars);
}

} // namespace ktx
