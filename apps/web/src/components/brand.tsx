import Link from "next/link";

export function Brand() {
  return (
    <Link href="/" className="brand" aria-label="Trellis home">
      <span className="brand-mark" aria-hidden />
      Trellis
    </Link>
  );
}
