package officer

import (
	"context"
	"fmt"
)

// reseal seals, in place, a TOTP secret found stored in the clear (written
// before sealing existed) on its first use, so no plaintext second factor
// stays in the database. The row changes only if it still holds that
// plaintext.
func (s *SQLStore) reseal(ctx context.Context, id, plain string) error {
	sealed, err := s.Secrets.Seal(id, plain)
	if err != nil {
		return fmt.Errorf("officer %q: seal TOTP secret: %w", id, err)
	}
	if _, err := s.DB.ExecContext(ctx, `UPDATE officers SET totp_secret = ? WHERE id = ? AND totp_secret = ?`,
		sealed, id, plain); err != nil {
		return fmt.Errorf("officer %q: seal TOTP secret: %w", id, err)
	}
	return nil
}
