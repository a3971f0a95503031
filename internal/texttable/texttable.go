// Package texttable writes rows of text as a box table for terminals or a
// Markdown table, numbers right-aligned.
package texttable

import (
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// WriteTable renders rows under header: a box table for terminals, or a
// Markdown table when markdown is set. Columns of numbers are right-aligned,
// the others left-aligned; headers are kept as given.
func Write(w io.Writer, markdown bool, header []string, rows [][]string) error {
	align := make([]tw.Align, len(header))
	for k := range align {
		align[k] = tw.AlignRight
		for _, row := range rows {
			if k < len(row) && row[k] != "" && !looksNumeric(row[k]) {
				align[k] = tw.AlignLeft
			}
		}
	}
	opts := []tablewriter.Option{
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: align}),
		tablewriter.WithHeaderAlignmentConfig(tw.CellAlignment{PerColumn: align}),
	}
	if markdown {
		opts = append(opts, tablewriter.WithRenderer(renderer.NewMarkdown()))
	}
	t := tablewriter.NewTable(w, opts...)
	t.Header(header)
	if err := t.Bulk(rows); err != nil {
		return err
	}
	return t.Render()
}

// looksNumeric reports whether a cell is a number, possibly signed, with a
// unit or a parenthesised note after it ("0.3384", "-2.1%", "1.05s", "12 MB",
// "0.3410 (297)").
func looksNumeric(s string) bool {
	s, _, _ = strings.Cut(s, " ")
	s = strings.TrimLeft(s, "+-")
	s = strings.TrimRightFunc(s, func(r rune) bool { return !unicode.IsDigit(r) })
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}
