export function QueryError({ error }: { error: { message: string } | null }) {
  if (!error) return null;
  return (
    <div className="banner banner-error" role="alert">
      Could not load data: {error.message}. Retrying automatically.
    </div>
  );
}
