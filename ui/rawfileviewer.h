#pragma once

#include <QDialog>

namespace ktx {

class CodeEditor;

// A read-only window on one file of a run's branch (cited raw evidence),
// scrolled to and selecting the cited lines when the range is known.
class RawFileViewer : public QDialog
{
    Q_OBJECT

public:
    explicit RawFileViewer(QWidget *parent = nullptr);

    void showFile(const QString &path, const QByteArray &bytes, int firstLine, int lastLine);
    CodeEditor *editor() const { return m_editor; }

private:
    CodeEditor *m_editor;
};

} // namespace ktx
