#pragma once

#include <QObject>

// Declared apart from the test bodies: moc cannot read the raw JSON string
// literals in them.
class TestLlmParsers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void codexToolRunCountsStepsLive();
    void codexTurnWithoutActionsCountsOnce();
    void codexFailedMcpCall();
    void codexCommandAndFileChangesAreSteps();
    void codexFailureMessagesAreUnwrapped();
    void codexMalformedLinesAreNotices();
    void claudeToolRun();
    void claudeErrorIsReadFromIsErrorNotSubtype();
    void claudeSubAgentTrafficIgnored();
    void retryAfterHeaders();
    void retryClassification_data();
    void retryClassification();
    void backoffGrowsAndIsCapped();
    void concurrencySlotsAreBoundedAndCancellable();
};
