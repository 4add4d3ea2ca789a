# deb.mk - the Debian package (libapache2-mod-cors) and a test of it in the system apache2.
DEB_PKGS := debhelper dpkg-dev build-essential fakeroot apache2-dev libcurl4-openssl-dev \
            libpsl-dev libidn2-dev libpcre2-dev

.PHONY: deb test-deb
# Built from a copy in build/deb/src, so the .deb lands in build/deb and the tree stays clean.
deb:
	@$(NEED) $(DEB_PKGS)
	rm -rf build/deb && mkdir -p build/deb/src
	tar --exclude=./build --exclude=./.git --exclude=./.libs -cf - . | tar -C build/deb/src -xf -
	cd build/deb/src && dpkg-buildpackage -us -uc -b
	ls -l build/deb/*.deb

test-deb: deb
	@$(NEED) apache2 curl perl
	sh debian/test-installed.sh build/deb/libapache2-mod-cors_*.deb

TEST_TARGETS += test-deb
