#pragma once

#include "models/runreportloader.h"

#include <QString>
#include <QUrl>

namespace ktx {

// The run view's report as rich text, built from a RunReportData without
// widgets: run status and failure, raw-evidence diff, work units and model
// calls, what a context source (dbt, MetricFlow, LookML) contributed or what
// a note captured, and where the run's changes are (Open in Review for a
// pending run). Names the view can act on are links (see Link); the list of
// files read is folded until its link is followed.
class RunReportDocument
{
public:
    struct Link
    {
        enum class Kind { None, OpenInReview, SemanticSource, WikiPage, ToggleFiles };
        Kind kind = Kind::None;
        QString runId; // OpenInReview
        QString connectionId; // SemanticSource
        QString name; // SemanticSource: the source; WikiPage: the page key
    };

    static QUrl reviewUrl(const QString &runId);
    static QUrl sourceUrl(const QString &connectionId, const QString &sourceName);
    static QUrl wikiUrl(const QString &pageKey);
    static QUrl toggleFilesUrl();
    static Link parseLink(const QUrl &url);

    void setData(const RunReportData &data);
    const RunReportData &data() const { return m_data; }
    void clear();
    bool isEmpty() const { return m_data.runId.isEmpty(); }

    void setFilesExpanded(bool expanded) { m_filesExpanded = expanded; }
    bool filesExpanded() const { return m_filesExpanded; }
    // CSS colours (e.g. "#c83c3c") for errors and secondary text, from the palette.
    void setColors(const QString &error, const QString &muted);

    QString toHtml() const;

private:
    QString runSection() const;
    QString reportSection(const QJsonObject &report) const;
    QString contextSourceSection(const QJsonObject &source) const;
    QString capturedSection(const TextMemoryStatus &captured) const;
    QString changesSection() const;

    RunReportData m_data;
    bool m_filesExpanded = false;
    QString m_errorColor = QStringLiteral("#c83c3c");
    QString m_mutedColor = QStringLiteral("#707070");
};

} // namespace ktx
