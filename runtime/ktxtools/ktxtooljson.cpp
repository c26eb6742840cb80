#include "ktxtools/ktxtooljson.h"

#include "core/result.h"
#include "db/queryresult.h"

#include <QDate>
#include <QDateTime>
#include <QJsonDocument>
#include <QTime>

#include <cmath>
#include <cstdlib>

namespace ktx {

QJsonObject KtxToolJson::parseObject(const char *json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(json), &error);
    Q_ASSERT_X(doc.isObject(), "KtxToolJson::parseObject", qPrintable(error.errorString()));
    return doc.object();
}

QJsonValue KtxToolJson::cell(const QVariant &value)
{
    if (value.isNull() || !value.isValid())
        return QJsonValue::Null;
    switch (value.typeId()) {
    case QMetaType::Bool:
        return value.toBool();
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::Short:
    case QMetaType::UShort:
        return value.toInt();
    case QMetaType::LongLong: {
        const qlonglong n = value.toLongLong();
        if (std::llabs(n) > (1LL << 53))
            return value.toString();
        return double(n);
    }
    case QMetaType::ULongLong: {
        const qulonglong n = value.toULongLong();
        if (n > (1ULL << 53))
            return value.toString();
        return double(n);
    }
    case QMetaType::Double:
    case QMetaType::Float: {
        const double d = value.toDouble();
        return std::isfinite(d) ? QJsonValue(d) : QJsonValue(value.toString());
    }
    case QMetaType::QDateTime:
        return value.toDateTime().toString(Qt::ISODateWithMs);
    case QMetaType::QDate:
        return value.toDate().toString(Qt::ISODate);
    case QMetaType::QTime:
        return value.toTime().toString(Qt::ISODateWithMs);
    case QMetaType::QByteArray:
        return QString::fromUtf8(value.toByteArray());
    default:
        return value.toString();
    }
}

QJsonArray KtxToolJson::rows(const QueryResult &result)
{
    QJsonArray out;
    for (const QVariantList &row : result.rows) {
        QJsonArray values;
        for (const QVariant &v : row)
            values.append(cell(v));
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
