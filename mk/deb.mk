# deb.mk - the Debian package (libapache2-mod-cors), and a test of it that leaves the machine
# as it found it: lintian, the package's files in a throwaway httpd, and dpkg -i/a2enmod/
# configtest/purge only inside private namespaces (tests/deb/run.sh says how).
DEB_PKGS := debhelper dpkg-dev build-essential fakeroot apache2-dev libcurl4-openssl-dev \
            libpsl-dev libidn2-dev libpcre2-dev lintian

.PHONY: deb test-deb
# Built from a copy in build/deb/src, so the .deb lands in build/deb and the tree stays clean.
deb:
	@$(NEED) $(DEB_PKGS)
	rm -rf build/deb && mkdir -p build/deb/src
	tar --exclude=./build --exclude=./.git --exclude=./.libs -cf - . | tar -C build/deb/src -xf -
	cd build/deb/src && dpkg-buildpackage -us -uc -b
	ls -l build/deb/*.deb

# apache2 and publicsuffix: what the package depends on, so dpkg -i in the namespace works.
test-deb: deb
	@$(NEED) lintian apache2 publicsuffix curl perl binutils util-linux
	sh tests/deb/run.sh build/deb

TEST_TARGETS += test-deb
