#include "ktxtools/ktxtooljson.h"

#include "core/result.h"
#include "db/querycell.h"
#include "db/queryresult.h"

#include <QJsonDocument>

namespace ktx {

QJsonObject KtxToolJson::parseObject(const char *json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(json), &error);
    Q_ASSERT_X(doc.isObject(), "KtxToolJson::parseObject", qPrintable(error.errorString()));
    return doc.object();
}

QJsonArray KtxToolJson::rows(const QueryResult &result)
{
    QJsonArray out;
    for (const QVariantList &row : result.rows) {
        QJsonArray values;
        for (const QVariant &v : row)
            values.append(QueryCell::toJson(v));
        out.append(values);
    }
    return out;
}

ToolOutput KtxToolJson::success(const QJsonObject &structured)
{
    return ToolOutput::success(
        QString::fromUtf8(QJsonDocument(structured).toJson(QJsonDocument::Compact)), structured);
}

ToolOutput KtxToolJson::failure(const Error &error)
{
    return ToolOutput::failure(error.hint.isEmpty()
                                   ? error.message
                                   : QString(error.message + QLatin1Char('\n') + error.hint));
}

} // namespace ktx
