#!/bin/sh
# Makes a local test CA and a certificate it issues for DOMAIN, to try the app owner's mode without
# a public CA: ./make-test-ca.sh [DOMAIN [DIR]]   (defaults: shop.localhost, tls)
#
# Writes into DIR:
#   ca.pem         the test CA's certificate: what the operator and your users trust
#   ca-key.pem     the test CA's private key: anyone who holds it can issue certificates for any name
#   fullchain.pem  the certificate for DOMAIN, then the CA's ([cloud.ssl] certificate)
#   privkey.pem    its private key, PKCS#8 ([cloud.ssl] private_key); mse sends it only to the
#                  enclave it verified, sealed to that enclave
# For trying things out only: real users trust a public CA (Let's Encrypt or another), not this one.
set -eu

domain=${1:-shop.localhost}
dir=${2:-tls}
# The CA outlives the certificate, as a real one does; the app expires with the certificate.
ca_days=90
days=30

mkdir -p "$dir"
# The keys are created readable by their owner alone.
umask 077
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
  -keyout "$dir/ca-key.pem" -out "$dir/ca.pem" -days "$ca_days" \
  -subj "/CN=mse example test CA" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>"$work/log" || { cat "$work/log" >&2; exit 1; }

openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
  -keyout "$dir/privkey.pem" -out "$work/leaf.csr" -subj "/CN=$domain" 2>"$work/log" \
  || { cat "$work/log" >&2; exit 1; }

# What a public CA puts in a server certificate: the name (SAN), for TLS servers only, no CA.
cat > "$work/leaf.ext" <<EOF
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:$domain
EOF
openssl x509 -req -in "$work/leaf.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" \
  -set_serial "0x$(openssl rand -hex 16)" -days "$days" -sha256 -extfile "$work/leaf.ext" \
  -out "$work/leaf.pem" 2>"$work/log" || { cat "$work/log" >&2; exit 1; }

cat "$work/leaf.pem" "$dir/ca.pem" > "$dir/fullchain.pem"
# Certificates are public.
chmod 644 "$dir/ca.pem" "$dir/fullchain.pem"

echo "test CA:     $dir/ca.pem (its key: $dir/ca-key.pem)"
echo "certificate: $dir/fullchain.pem for $domain, until $(openssl x509 -in "$dir/fullchain.pem" -noout -enddate | cut -d= -f2)"
echo "key:         $dir/privkey.pem"
